"""The project's own Rekognition CompareFaces and Textract AnalyzeID: engines behind an AWS-compatible endpoint.

`kyc_local.vision.server.VisionServer` serves them (AWS JSON 1.1, `X-Amz-Target`); faces (dlib), licence fronts
(card location, RapidOCR, AAMVA layout parser) and backs (PDF417) load once and are warmed at start.
"""
