"""SQL shipped with the package: migrations, core builds and analytics views."""
