"""Makes the Ed25519 key that signs access tokens and stores it where the stack reads it.

The private key (PKCS#8 PEM) goes to AWS Secrets Manager as a new version of the secret named
`--secret-name` (created if missing); only the auth function receives it, through a
CloudFormation dynamic reference. The public key (the JWKS `x`, base64url) goes to the SSM
parameter `--parameter-name`, which the functions that verify tokens receive. The private key
is never written to disk or printed. Rotating: run again, then `sam deploy` (every session's
access token then fails verification once and the app refreshes it).

Usage: .tools/bin/python scripts/signing-key.py [--region ap-south-1]
       [--secret-name phone-auth/jwt-signing-key] [--parameter-name /phone-auth/jwt-public-key]
       .tools/bin/python scripts/signing-key.py --local >> .env.lambda
         (development only: prints JWT_SIGNING_KEY, JWT_PUBLIC_KEY and SECRET_KEY lines for an
         env file, and stores nothing)
"""

import argparse
import base64
import secrets
import sys

import boto3
import botocore.exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--region", default=None, help="AWS region (default: your AWS config's)")
    p.add_argument("--secret-name", default="phone-auth/jwt-signing-key")
    p.add_argument("--parameter-name", default="/phone-auth/jwt-public-key")
    p.add_argument("--local", action="store_true", help="print env-file lines; store nothing")
    args = p.parse_args()

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    if args.local:
        escaped = pem.strip().replace("\n", "\\n")
        # Quoted: both `cargo lambda watch --env-file` and a shell's `. ./.env.lambda` read it.
        print(f'JWT_SIGNING_KEY="{escaped}"')
        print(f'JWT_PUBLIC_KEY="{x}"')
        print(f'SECRET_KEY="{secrets.token_hex(32)}"')
        return

    try:
        store(args, pem, x)
    except botocore.exceptions.NoRegionError:
        sys.exit("signing-key.py: no AWS region: pass --region or set AWS_REGION (or use --local)")
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError):
        sys.exit("signing-key.py: no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY (or use --local for development keys)")
    except botocore.exceptions.ClientError as e:
        sys.exit(f"signing-key.py: AWS refused: {e.response['Error'].get('Code')}: "
                 f"{e.response['Error'].get('Message')}")


def store(args, pem: str, x: str) -> None:
    """Puts the private key in Secrets Manager and the public key in SSM."""
    session = boto3.session.Session(region_name=args.region)
    manager = session.client("secretsmanager")
    try:
        manager.put_secret_value(SecretId=args.secret_name, SecretString=pem)
        print(f"stored a new version of secret {args.secret_name}")
    except manager.exceptions.ResourceNotFoundException:
        manager.create_secret(
            Name=args.secret_name,
            Description="Ed25519 private key (PKCS#8 PEM) that signs phone-auth access tokens",
            SecretString=pem,
        )
        print(f"created secret {args.secret_name}")
    session.client("ssm").put_parameter(
        Name=args.parameter_name,
        Description="Ed25519 public key (JWKS x, base64url) that verifies phone-auth access tokens",
        Value=x,
        Type="String",
        Overwrite=True,
    )
    print(f"stored the public key in parameter {args.parameter_name}: {x}")


if __name__ == "__main__":
    main()
