"""The test tree is a package: support modules are imported as ``tests.support...`` and
``tests.<tier>.<area>...``, so test module basenames may repeat across folders."""
