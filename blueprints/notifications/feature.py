"""The notification centre and the e-mail digest job."""

from base.registry import Feature
from blueprints.notifications.cli import notifications_cli
from blueprints.notifications.routes import bp

feature = Feature("notifications", blueprints=[bp], commands=[notifications_cli])
