"""Tests of the project-level pieces (simplelogin/)."""
