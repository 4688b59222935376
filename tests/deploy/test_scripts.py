"""The helper scripts fail the way a person can act on: one line saying what is missing."""

import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class SigningKeyScript(unittest.TestCase):
    def run_script(self, *args):
        with tempfile.TemporaryDirectory() as home:
            env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "AWS_EC2_METADATA_DISABLED": "true"}
            return subprocess.run([sys.executable, str(ROOT / "scripts/signing-key.py"), *args],
                                  env=env, capture_output=True, text=True, timeout=60)

    def test_without_region_or_credentials_it_says_what_is_missing(self):
        for args, missing in [((), "no AWS region"), (("--region", "ap-south-1"), "no AWS credentials")]:
            r = self.run_script(*args)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(missing, r.stderr)
            self.assertNotIn("Traceback", r.stderr)

    def test_local_prints_env_lines_and_stores_nothing(self):
        r = self.run_script("--local")
        self.assertEqual(r.returncode, 0, r.stderr)
        names = [line.split("=", 1)[0] for line in r.stdout.splitlines()]
        self.assertEqual(names, ["JWT_SIGNING_KEY", "JWT_PUBLIC_KEY", "SECRET_KEY"])


if __name__ == "__main__":
    unittest.main()
