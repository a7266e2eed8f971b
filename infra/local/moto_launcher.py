"""Start the moto server as the AWS emulator of the local stack.

Before serving, this launcher:
- turns on moto's Step Functions interpreter, so state machines really run;
- points moto's own AWS calls (the Lambda tasks of state machines) at the local host, whose
  AWS endpoint runs worker functions in-process, through MOTO_PORT;
- patches the S3 Control responses, which otherwise fail to parse in the AWS SDK for Rust;
- patches KMS keys created by CloudFormation, whose key policy moto otherwise stores in a
  form its own DescribeKey cannot read, and which moto otherwise loses on a stack update
  that changes them;
- patches moto's Lake Formation permission set, which otherwise fails a revoke after a
  grant was merged into an existing entry;
- makes a DynamoDB transaction copy each table once, not once per write.

Usage: moto_launcher.py --port PORT --local-host-port PORT
"""

import argparse
import os
import sys


def patch_s3control() -> None:
    """Name S3 Control result documents the way AWS does.

    moto 5.2 wraps every REST-XML result in `<{Operation}Response>`. AWS, and so the AWS SDK
    for Rust, which rejects any other root element, uses the output shape's name for S3
    Control, for example `<CreateAccessPointResult>`. Other services are left as they are.
    """
    from moto.core import serialize

    # The REST serializer hands the body part of the result to this XML method, which picks
    # the root element name.
    original = serialize.BaseXMLSerializer._serialized_result_to_response

    def serialized_result_to_response(self, resp, result, shape, serialized_result):
        model = self.operation_model.service_model
        names = {getattr(model, "service_name", ""), getattr(model, "endpoint_prefix", "")}
        has_payload = shape is not None and "payload" in shape.serialization
        if names.isdisjoint({"s3control", "s3-control"}) or shape is None or has_payload:
            return original(self, resp, result, shape, serialized_result)
        wrapper = {shape.name: serialized_result}
        self._serialize_namespace_attribute(wrapper[shape.name])
        resp["body"] = self._serialize_body(wrapper)
        resp["headers"]["Content-Type"] = self.CONTENT_TYPE
        return resp

    serialize.BaseXMLSerializer._serialized_result_to_response = serialized_result_to_response


def patch_kms_cloudformation() -> None:
    """Store the KeyPolicy of a KMS key created by CloudFormation as JSON text, and update
    the key in place when a stack update changes its properties.

    moto 5.2 keeps the template's KeyPolicy object as it is, while the rest of its KMS code
    expects the text that the KMS API stores, so DescribeKey on such a key fails with a server
    error. The patch serialises the object before the key is created.

    moto 5.2.5 also has no update handler for AWS::KMS::Key: a stack update that changes the
    key's properties (the dataset stack's KeyPolicy changes with its shares) stores no
    resource for the key, so every later Fn::GetAtt on it, and DescribeStacks with it, fails.
    The patch updates the key's policy, description, rotation and enabled flag in place, as
    CloudFormation does for these properties without replacing the key.
    """
    import json

    from moto.kms import models

    original = models.Key.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json.get("Properties", {})
        if isinstance(properties.get("KeyPolicy"), dict):
            properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        properties = cloudformation_json.get("Properties", {})
        policy = properties.get("KeyPolicy")
        if isinstance(policy, dict):
            policy = json.dumps(policy)
        if policy:
            original_resource.policy = policy
        original_resource.description = properties.get("Description", "")
        original_resource.key_rotation_status = properties.get("EnableKeyRotation", False)
        original_resource.enabled = properties.get("Enabled", True)
        return original_resource

    models.Key.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    models.Key.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)


def patch_lakeformation_catalog() -> None:
    """Keep moto's Lake Formation permission set consistent after merges.

    moto 5.2 merges a grant into an existing entry of a Python set in place, which changes
    the entry's hash, so a later revoke of that principal and resource fails with a server
    error. The patch rebuilds the set after every change.
    """
    from moto.lakeformation import models

    def add_permission(self, permission):
        for existing in list(self.permissions):
            if permission.equal_principal_and_resouce(existing):
                existing.merge(permission)
                self.permissions = set(self.permissions)
                return
        self.permissions.add(permission)

    def remove_permission(self, permission):
        for existing in list(self.permissions):
            if permission.equal_principal_and_resouce(existing):
                existing.diff(permission)
                self.permissions = {entry for entry in self.permissions if not entry.is_empty()}
                return

    models.PermissionCatalog.add_permission = add_permission
    models.PermissionCatalog.remove_permission = remove_permission


def patch_dynamodb_transactions() -> None:
    """Copy a table once per transaction for its rollback.

    moto 5.2 keeps a deep copy of a table to roll a failed TransactWriteItems back. It makes
    the copy again for every write of the transaction, which made the approve request of a
    share of 100 items (a transaction of 100 writes) take 13.7 s on the development machine. The patch lets the first copy of each table serve the
    rest of the same transaction. Other deep copies are left alone; the server is threaded,
    so the copies are kept per thread.
    """
    import copy
    import threading

    from moto.dynamodb import models

    copies = threading.local()
    real_deepcopy = copy.deepcopy

    class CopyOncePerTable:
        """Stands in for the `copy` module inside moto's DynamoDB models."""

        def __getattr__(self, name):
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value, memo=None):
            made = getattr(copies, "tables", None)
            if made is None or not isinstance(value, models.Table):
                return real_deepcopy(value, memo)
            if id(value) not in made:
                made[id(value)] = real_deepcopy(value, memo)
            return made[id(value)]

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        copies.tables = {}
        try:
            return original(self, transact_items)
        finally:
            copies.tables = None

    models.copy = CopyOncePerTable()
    models.DynamoDBBackend.transact_write_items = transact_write_items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="port moto listens on")
    parser.add_argument(
        "--local-host-port",
        type=int,
        required=True,
        help="port of the local host's AWS endpoint, which moto calls for Lambda tasks",
    )
    arguments = parser.parse_args()

    # moto builds the endpoint of its internal AWS calls from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(arguments.local_host_port)

    from moto.core.config import default_user_config

    default_user_config["stepfunctions"]["execute_state_machine"] = True
    patch_s3control()
    patch_kms_cloudformation()
    patch_lakeformation_catalog()
    patch_dynamodb_transactions()

    from moto.server import ThreadedMotoServer  # noqa: F401  (imports the app factory)
    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    application = DomainDispatcherApplication(create_backend_app)
    print(f"moto_launcher: serving on 127.0.0.1:{arguments.port}", file=sys.stderr, flush=True)
    run_simple("127.0.0.1", arguments.port, application, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
