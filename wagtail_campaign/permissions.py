"""Who may moderate which wall.

A moderator needs the model permission on messages (``change_message`` to act,
``view_message`` to read) *and* the Wagtail page permission "edit" on the wall
page, directly or through an ancestor. So a site with several campaigns gives
each team its own walls with ordinary Wagtail groups, and nobody sees the
messages (with the fingerprints and reasons) of a wall they do not run.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import page_permission_policy


def moderated_walls(user: Any) -> QuerySet[Any]:
    """The message walls ``user`` may moderate (all of them for a superuser)."""
    from .models.wall import MessageWallPage

    walls = MessageWallPage.objects.all()
    if not user.is_active:
        return walls.none()
    if user.is_superuser:
        return walls
    editable = page_permission_policy.instances_user_has_permission_for(user, "change")
    return walls.filter(pk__in=editable.values("pk"))


class MessagePermissionPolicy(ModelPermissionPolicy):
    """The model permission, narrowed to the walls the user may edit."""

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        if not self.user_has_permission(user, action):
            return False
        return bool(moderated_walls(user).filter(pk=instance.wall_id).exists())

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return self.model._default_manager.filter(wall__in=moderated_walls(user))


#: Registered for :class:`~wagtail_campaign.models.Message` when the app is ready.
message_permission_policy = MessagePermissionPolicy("wagtail_campaign.Message")
