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
from .social import ArchiveImport, Network, SocialSource
from .wall import (
    Message,
    MessageFlag,
    MessageKind,
    MessageSource,
    MessageStatus,
    MessageWallPage,
    ModerationMode,
)

__all__ = [
    "ArchiveImport",
    "Network",
    "SocialSource",
    "CampaignPage",
    "CampaignPageMixin",
    "CampaignTemplateMixin",
    "ChartCSVRouteMixin",
    "ChartKind",
    "DataPoint",
    "DataSeries",
    "Message",
    "MessageFlag",
    "MessageKind",
    "MessageSource",
    "MessageStatus",
    "MessageWallPage",
    "ModerationMode",
    "NotablePerson",
    "TimelineEvent",
    "TimelinePage",
    "TimelinePageMixin",
]
