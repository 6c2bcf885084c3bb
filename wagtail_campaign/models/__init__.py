from .pages import (
    CampaignPage,
    CampaignPageMixin,
    CampaignTemplateMixin,
    ChartCSVRouteMixin,
    TimelineEvent,
    TimelinePage,
    TimelinePageMixin,
)
from .snippets import ChartKind, DataPoint, DataSeries, NotablePerson

__all__ = [
    "CampaignPage",
    "CampaignPageMixin",
    "CampaignTemplateMixin",
    "ChartCSVRouteMixin",
    "ChartKind",
    "DataPoint",
    "DataSeries",
    "NotablePerson",
    "TimelineEvent",
    "TimelinePage",
    "TimelinePageMixin",
]
