"""Navigation projects (专利导航项目): the depth presets a project starts from.

The projects themselves — demand, plan, analysis, delivery, publication, usage — live in
the platform database (:mod:`patnav.platform.projects`); this package holds what needs no
database: the presets (:mod:`patnav.projects.presets`) and the spec skeleton a preset
gives a demand.
"""

from __future__ import annotations

from patnav.projects.presets import (
    PRESET_IDS,
    Preset,
    get_preset,
    load_presets,
    spec_skeleton,
)

__all__ = ["PRESET_IDS", "Preset", "get_preset", "load_presets", "spec_skeleton"]
