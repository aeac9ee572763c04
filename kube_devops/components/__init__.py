"""The long-running components (watch, reconcile, webhook): thin glue over the layers below."""
