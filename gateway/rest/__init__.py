"""The v0 REST shim: JSON in -> service -> JSON out, NestJS-style errors."""
