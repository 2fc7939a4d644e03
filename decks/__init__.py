"""Bundled deck files: one TOML file per glossary section (shipped as package data)."""
