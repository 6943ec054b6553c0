"""Returns what API Gateway told it."""

import json


def lambda_handler(event, context):
    context_ = event["requestContext"]
    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({
            "routeKey": event["routeKey"],
            "name": event.get("pathParameters", {}).get("name"),
            "body": event.get("body"),
            "caller": context_.get("authorizer", {}).get("iam", {}).get("accessKey"),
        }),
    }
