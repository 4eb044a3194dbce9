"""Writes stripe-mock's bundled fixtures with our overrides merged in (see fixture-overrides.json)."""
import json
import sys

bundled, overrides_path, out = sys.argv[1:4]
with open(bundled) as f:
    fixtures = json.load(f)
with open(overrides_path) as f:
    overrides = json.load(f)
for resource, fields in overrides.items():
    if resource.startswith("_"):
        continue
    fixtures["resources"][resource].update(fields)
with open(out, "w") as f:
    json.dump(fixtures, f)
