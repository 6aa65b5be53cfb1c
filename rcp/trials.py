"""The board's trial register read beside the findings: the open trials linked to each guideline rule."""

from functools import cached_property

from .models import Trial


class OpenTrials:
    """The open trials of the boards of some meetings, by rule identifier. Read once, by the first finding
    that asks, whatever the number of cases and findings; a page that shows no finding reads nothing."""

    def __init__(self, meeting_ids):
        self.meeting_ids = set(meeting_ids)

    @cached_property
    def _by_meeting(self) -> dict[int, dict[str, list[str]]]:
        by_meeting: dict[int, dict[str, list[str]]] = {}
        if not self.meeting_ids:
            return by_meeting
        rows = (
            Trial.objects.filter(active=True, board__meetings__in=self.meeting_ids)
            .order_by("name")
            .values_list("board__meetings", "name", "rule_ids")
        )
        for meeting_id, name, rule_ids in rows:
            linked = by_meeting.setdefault(meeting_id, {})
            for rule in rule_ids:
                linked.setdefault(rule, []).append(name)
        return by_meeting

    def by_rule(self, meeting_id) -> dict[str, list[str]]:
        """{rule identifier: names of the open trials linked to it} for the board of that meeting."""
        return self._by_meeting.get(meeting_id, {})
