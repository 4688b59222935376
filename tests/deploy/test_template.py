"""The template as CloudFormation will run it: `template.yaml` transformed offline by
aws-sam-translator (what `sam deploy` sends through the SAM transform), then checked for what
a deployment must hold: each function's policy, which secrets and settings each receives,
throttling, log groups with retention, alarms, table protections.

Run by tests/run.sh: .venv/bin/python -m unittest discover -s tests/deploy
"""

import json
import os
import re
import unittest
from pathlib import Path

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
# The functions as their crates declare them (functions.json, written from `FUNCTION` in each
# function's lib.rs and checked by the contract test).
DECLARED = json.loads((ROOT / "functions.json").read_text())
FUNCTIONS = [f["logical_id"] for f in DECLARED]


class _NoManagedPolicies:
    """The template names no managed policy: nothing to look up in IAM."""

    def load(self):
        return {}


def translate(parameters=None):
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-south-1")
    template = yaml_parse((ROOT / "template.yaml").read_text())
    for res in template["Resources"].values():
        if res["Type"] == "AWS::Serverless::Function":
            # As `sam package` leaves it.
            res["Properties"]["CodeUri"] = "s3://artifacts/function.zip"
    return transform(template, parameters or {}, _NoManagedPolicies())


CFN = translate()
RES = CFN["Resources"]


def of_type(kind):
    return {k: v for k, v in RES.items() if v["Type"] == kind}


def env(function):
    return RES[function]["Properties"]["Environment"]["Variables"]


def table_variables():
    """The variables of the template's Globals that name a DynamoDB table, by table."""
    raw = yaml_parse((ROOT / "template.yaml").read_text())
    tables = of_type("AWS::DynamoDB::Table")
    variables = raw["Globals"]["Function"]["Environment"]["Variables"]
    return {v["Ref"]: k for k, v in variables.items() if isinstance(v, dict) and v.get("Ref") in tables}


TABLE_VARIABLES = table_variables()


def text(value):
    return json.dumps(value, sort_keys=True)


class Functions(unittest.TestCase):
    def test_the_four_functions_and_nothing_else(self):
        self.assertEqual(sorted(of_type("AWS::Lambda::Function")), sorted(FUNCTIONS))
        for f in FUNCTIONS:
            p = RES[f]["Properties"]
            self.assertEqual(p["Runtime"], "provided.al2023")
            self.assertEqual(p["Architectures"], ["arm64"])
            self.assertEqual(p["Handler"], "bootstrap")

    def test_x_ray_only_when_asked(self):
        xray = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
        traced = translate({"Tracing": "Active"})["Resources"]
        for f in FUNCTIONS:
            self.assertNotIn("TracingConfig", RES[f]["Properties"], f)
            self.assertNotIn(xray, RES[f + "Role"]["Properties"]["ManagedPolicyArns"], f)
            self.assertEqual(traced[f]["Properties"]["TracingConfig"], {"Mode": {"Ref": "Tracing"}}, f)
            self.assertIn(xray, traced[f + "Role"]["Properties"]["ManagedPolicyArns"], f)

    def test_every_table_is_named_to_every_function(self):
        self.assertEqual(sorted(TABLE_VARIABLES), sorted(of_type("AWS::DynamoDB::Table")))

    def test_each_function_receives_only_its_secrets(self):
        # (signing key, public key, SECRET_KEY, sends SMS), as each function declares its needs.
        needs = {
            d["logical_id"]: (d["tokens"] == "sign", d["tokens"] == "verify", d["secret_key"], d["sms"])
            for d in DECLARED
        }
        for f, (signing, public, secret, sms) in needs.items():
            e = env(f)
            self.assertEqual("JWT_SIGNING_KEY" in e, signing, f)
            self.assertEqual("JWT_PUBLIC_KEY" in e, public, f)
            self.assertEqual("SECRET_KEY" in e, secret, f)
            # The SMS settings; the conversion window is also how the admin function finds the
            # current window of the prefix list.
            sending = [k for k in e if k.startswith("SMS_") and k != "SMS_CONVERSION_WINDOW_SECONDS"]
            self.assertEqual(bool(sending), sms, f)
            self.assertEqual("TEST_PHONE_NUMBERS" in e, sms, f)
            for k in ("STORE", "DOCUMENTS_BUCKET", *TABLE_VARIABLES.values()):
                self.assertIn(k, e, f"{f}: the Globals reach every function")
        auth = env("AuthFunction")
        self.assertEqual(
            auth["JWT_SIGNING_KEY"],
            {"Fn::Sub": "{{resolve:secretsmanager:${JwtSigningKeySecretName}}}"},
        )
        self.assertEqual(auth["SECRET_KEY"], {"Fn::Sub": "{{resolve:secretsmanager:${SecretKeySecret}}}"})
        self.assertEqual(
            env("PoolsFunction")["JWT_PUBLIC_KEY"],
            {"Fn::Sub": "{{resolve:ssm:${JwtPublicKeyParameterName}}}"},
        )

    def test_the_secret_key_is_generated_and_kept(self):
        s = RES["SecretKeySecret"]
        self.assertEqual(s["Type"], "AWS::SecretsManager::Secret")
        self.assertGreaterEqual(s["Properties"]["GenerateSecretString"]["PasswordLength"], 32)
        self.assertEqual((s["DeletionPolicy"], s["UpdateReplacePolicy"]), ("Retain", "Retain"))
        params = CFN["Parameters"]
        self.assertNotIn("JwtSigningKey", params)
        self.assertNotIn("SecretKey", params)

    def test_auth_concurrency_is_reserved_only_when_asked(self):
        self.assertEqual(
            RES["AuthFunction"]["Properties"]["ReservedConcurrentExecutions"],
            {"Fn::If": ["ReserveAuthConcurrency", {"Ref": "AuthReservedConcurrency"}, {"Ref": "AWS::NoValue"}]},
        )
        self.assertEqual(CFN["Parameters"]["AuthReservedConcurrency"]["Default"], 0)


class Policies(unittest.TestCase):
    def statements(self, function):
        role = RES[f"{function}Role"]["Properties"]
        out = []
        for policy in role.get("Policies", []):
            out.extend(policy["PolicyDocument"]["Statement"])
        managed = role.get("ManagedPolicyArns", [])
        return out, managed

    def actions(self, function):
        statements, _ = self.statements(function)
        acts = set()
        for st in statements:
            a = st["Action"]
            acts.update([a] if isinstance(a, str) else a)
        return acts

    def test_only_auth_sends_sms_and_never_to_a_topic(self):
        for f in FUNCTIONS:
            self.assertEqual("sns:Publish" in self.actions(f), f == "AuthFunction", f)
        statements, _ = self.statements("AuthFunction")
        publish = [s for s in statements if s["Action"] == "sns:Publish"]
        self.assertEqual(publish[0]["NotResource"], "arn:aws:sns:*:*:*")

    def test_no_function_may_read_secrets_or_scan(self):
        for f in FUNCTIONS:
            acts = self.actions(f)
            self.assertFalse({a for a in acts if a.startswith("secretsmanager:") or a.startswith("ssm:")}, f)
            self.assertNotIn("dynamodb:Scan", acts, f)
            self.assertFalse([a for a in acts if a.endswith("*")], f"{f}: wildcard action")
            _, managed = self.statements(f)
            allowed = {
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            }
            self.assertLessEqual(set(managed), allowed, f)

    def test_the_admin_function_never_touches_pools_or_writes_documents(self):
        statements, _ = self.statements("AdminFunction")
        self.assertNotIn("PoolsTable", text(statements))
        acts = self.actions("AdminFunction")
        self.assertFalse({"s3:PutObject", "s3:DeleteObject"} & acts)


class Api(unittest.TestCase):
    def stage(self):
        return RES["HttpApiApiGatewayDefaultStage"]["Properties"]

    def test_throttling(self):
        s = self.stage()
        self.assertEqual(s["DefaultRouteSettings"]["ThrottlingRateLimit"], {"Ref": "ApiRateLimit"})
        otp = s["RouteSettings"]["POST /v1/auth/otp/request"]
        self.assertEqual(otp["ThrottlingRateLimit"], {"Ref": "OtpRequestRateLimit"})
        self.assertEqual(otp["ThrottlingBurstLimit"], {"Ref": "OtpRequestBurstLimit"})
        self.assertLess(CFN["Parameters"]["OtpRequestRateLimit"]["Default"], CFN["Parameters"]["ApiRateLimit"]["Default"])
        body = text(RES["HttpApi"]["Properties"]["Body"])
        self.assertIn("/v1/auth/otp/request", body, "the throttled route exists")

    def test_no_gateway_authorizer_and_no_guided_per_route_question(self):
        # The functions authenticate; the gateway adds nothing. `Auth` on the API says so, which
        # is what `sam deploy --guided` reads to skip its per-route "no authentication" question
        # (scripts/deploy-rehearsal.sh asks SAM CLI itself).
        raw = yaml_parse((ROOT / "template.yaml").read_text())
        self.assertEqual(raw["Resources"]["HttpApi"]["Properties"]["Auth"], {"EnableIamAuthorizer": False})
        body = RES["HttpApi"]["Properties"]["Body"]
        self.assertNotIn("securitySchemes", body.get("components", {}))
        for path in body["paths"].values():
            for op in path.values():
                self.assertFalse(op.get("security"), op)

    def test_access_logs_are_json_with_the_request_id(self):
        logs = self.stage()["AccessLogSettings"]
        self.assertEqual(logs["DestinationArn"], {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]})
        fmt = json.loads(logs["Format"])
        self.assertEqual(fmt["requestId"], "$context.requestId")
        for field in ("status", "routeKey", "latencyMs", "ip"):
            self.assertIn(field, fmt)


class Logs(unittest.TestCase):
    def test_every_function_logs_to_its_group_with_retention(self):
        groups = of_type("AWS::Logs::LogGroup")
        self.assertEqual(len(groups), len(FUNCTIONS) + 1, "one per function, one for access logs")
        for g in groups.values():
            self.assertEqual(g["Properties"]["RetentionInDays"], {"Ref": "LogRetentionDays"})
        self.assertEqual(CFN["Parameters"]["LogRetentionDays"]["Default"], 30)
        for f in FUNCTIONS:
            group = RES[f]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
            self.assertEqual(group, f.replace("Function", "LogGroup"))


class Alarms(unittest.TestCase):
    def alarms(self):
        return of_type("AWS::CloudWatch::Alarm")

    def watched(self, alarm):
        p = alarm["Properties"]
        if "MetricName" in p:
            return {(p["Namespace"] if isinstance(p["Namespace"], str) else "PhoneAuth", p["MetricName"])}
        out = set()
        for m in p["Metrics"]:
            if "MetricStat" in m:
                metric = m["MetricStat"]["Metric"]
                ns = metric["Namespace"] if isinstance(metric["Namespace"], str) else "PhoneAuth"
                out.add((ns, metric["MetricName"]))
        return out

    def test_what_is_watched(self):
        watched = set().union(*(self.watched(a) for a in self.alarms().values()))
        for metric in [
            ("AWS/Lambda", "Errors"),
            ("AWS/Lambda", "Throttles"),
            ("AWS/ApiGateway", "5xx"),
            ("AWS/ApiGateway", "Latency"),
            ("AWS/DynamoDB", "ReadThrottleEvents"),
            ("AWS/DynamoDB", "WriteThrottleEvents"),
            ("AWS/DynamoDB", "SystemErrors"),
            ("PhoneAuth", "OtpSent"),
            ("PhoneAuth", "OtpVerified"),
            ("PhoneAuth", "OtpDeliveryFailed"),
            ("PhoneAuth", "OtpSendBlocked"),
        ]:
            self.assertIn(metric, watched)
        errors = [a for a in self.alarms().values() if a["Properties"].get("MetricName") == "Errors"]
        self.assertEqual(len(errors), len(FUNCTIONS), "one errors alarm per function")

    def test_every_alarm_mails_the_optional_topic_and_fits_the_limits(self):
        for name, a in self.alarms().items():
            p = a["Properties"]
            self.assertEqual(
                p["AlarmActions"],
                {"Fn::If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]},
                name,
            )
            self.assertEqual(p["TreatMissingData"], "notBreaching", name)
            self.assertLessEqual(len(p.get("Metrics", [])), 10, f"{name}: CloudWatch allows 10 metrics")
        self.assertEqual(RES["AlarmTopic"]["Condition"], "HasAlarmEmail")


class Tables(unittest.TestCase):
    def test_protections(self):
        durable = {"UsersTable": True, "PoolsTable": True, "OtpsTable": False}
        for name, keep in durable.items():
            t = RES[name]
            p = t["Properties"]
            self.assertEqual(p.get("DeletionProtectionEnabled", False), keep, name)
            pitr = p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled", False)
            self.assertEqual(pitr, keep, name)
            self.assertEqual(t["DeletionPolicy"] == "Retain", keep, name)
            self.assertTrue(p["SSESpecification"]["SSEEnabled"], name)
        for name in ("UsersTable", "OtpsTable"):
            self.assertEqual(RES[name]["Properties"]["TimeToLiveSpecification"], {"AttributeName": "ttl", "Enabled": True})


if __name__ == "__main__":
    unittest.main()
