"""Counts words of the `text` input channel and writes the top ones to the `report` output channel.

Reads the PAI container contract: PAI_HPS_* for hyperparameters, PAI_INPUT_<CHANNEL> and
PAI_OUTPUT_<CHANNEL> for channel paths.
"""
import collections
import json
import os
import re
from pathlib import Path

top = int(os.environ.get("PAI_HPS_TOP", "5"))
lowercase = os.environ.get("PAI_HPS_LOWERCASE", "true").lower() == "true"
source = Path(os.environ.get("PAI_INPUT_TEXT", "data/sample.txt"))
files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())

counts = collections.Counter()
for path in files:
    text = path.read_text(encoding="utf-8")
    counts.update(re.findall(r"[A-Za-z']+", text.lower() if lowercase else text))

report = {"files": len(files), "words": sum(counts.values()), "top": counts.most_common(top)}
print(json.dumps(report, indent=2))

out = Path(os.environ.get("PAI_OUTPUT_REPORT", "output/report"))
out.mkdir(parents=True, exist_ok=True)
(out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
print(f"wrote {out / 'report.json'}")
