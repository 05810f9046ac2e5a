"""The eID tests use the SoftHSM2 test cards of tests/conftest.py: `ec_card`, `rsa_card`."""
