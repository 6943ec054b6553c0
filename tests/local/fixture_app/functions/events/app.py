"""Keeps each EventBridge event it gets, under the object's key."""

import json
import os

import boto3


def lambda_handler(event, context):
    key = event["detail"]["object"]["key"]
    boto3.client("dynamodb").put_item(
        TableName=os.environ["ATTEMPTS_TABLE"], Item={"ID": {"S": f"event:{key}"}, "EVENT": {"S": json.dumps(event)}},
    )
