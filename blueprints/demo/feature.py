"""The demo company (``flask seed-demo``)."""

from base.registry import Feature
from blueprints.demo.cli import seed_demo_command

feature = Feature("demo", commands=[seed_demo_command])
