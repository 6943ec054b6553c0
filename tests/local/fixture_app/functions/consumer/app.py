"""Counts receives per body; reports bodies starting with "poison" as failed items."""

import os

import boto3


def lambda_handler(event, context):
    failures = []
    for record in event["Records"]:
        boto3.client("dynamodb").update_item(
            TableName=os.environ["ATTEMPTS_TABLE"], Key={"ID": {"S": record["body"]}},
            UpdateExpression="ADD ATTEMPTS :one", ExpressionAttributeValues={":one": {"N": "1"}},
        )
        if record["body"].startswith("poison"):
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
