"""Counts each attempt per key, publishes a notice, and fails on purpose for keys under in/fail."""

import os

import boto3


def lambda_handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    boto3.client("dynamodb").update_item(
        TableName=os.environ["ATTEMPTS_TABLE"], Key={"ID": {"S": key}},
        UpdateExpression="ADD ATTEMPTS :one", ExpressionAttributeValues={":one": {"N": "1"}},
    )
    if key.startswith("in/fail"):
        raise RuntimeError("failing on purpose")
    boto3.client("sns").publish(
        TopicArn=os.environ["NOTICES_TOPIC"], Subject=f"Received – {key}", Message=f"{key}\n{os.environ['GREETING']}",
        MessageAttributes={"app_uuid": {"DataType": "String", "StringValue": key.rsplit("/", 1)[-1]}},
    )
    return {"key": key, "remaining_ms": context.get_remaining_time_in_millis()}
