"""KYC Onboarding core: every business rule, no AWS calls (those live in kyc.adapters)."""
