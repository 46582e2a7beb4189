"""View ▸ Urdu Font: the face the reader sets Urdu paragraphs in, chosen and remembered.

Automatic is the first face Qt shapes right (fonts.py): Naskh where Qt misshapes
Nastaliq. A person who reads Urdu in Nastaliq chooses it here; where Qt would
misplace its dots, the reader uses a copy of it with plain anchors, which Qt
shapes as HarfBuzz does on its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QFontDatabase
from PySide6.QtWidgets import QMenu, QWidget

from . import fonts
from . import settings as cfg


class UrduFontMenu(QObject):
    """The Urdu Font submenu (`menu`, empty); applies the remembered choice at once."""

    #: The reader's Urdu face changed (the item shown should be laid out again).
    changed = Signal()

    def __init__(self, menu: QMenu, settings: cfg.UserSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.settings = settings
        self.menu = menu
        self.menu.setToolTip("The face Urdu paragraphs are read in")
        self.actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        # A face is checked (and a misshaped one repaired) only once it is chosen: the
        # window's start does not wait for it.
        fonts.choose_reading_face(settings.get(cfg.URDU_FONT))
        chosen = fonts.chosen_reading_face()
        installed = set(QFontDatabase.families())
        choices = [("", "&Automatic (Nastaliq where Qt sets it right, else Naskh)")]
        # Each entry its own letter (Naskh and Nastaliq share their first): the shortest
        # names choose first, each its first letter not taken.
        used, labels = {"a"}, {}
        for key, (name, _family) in sorted(fonts.URDU_FACES.items(), key=lambda f: len(f[1][0])):
            free = [i for i, ch in enumerate(name) if ch.isalpha() and ch.lower() not in used]
            at = free[0] if free else 0
            used.add(name[at].lower())
            labels[key] = f"{name[:at]}&{name[at:]}"
        choices += [(key, labels[key]) for key in fonts.URDU_FACES]
        for key, label in choices:
            action = QAction(label, self, checkable=True)
            family = fonts.URDU_FACES[key][1] if key else ""
            action.setEnabled(not family or family in installed)
            action.setToolTip(family if family in installed else f"{family} is not installed")
            if key == "nastaliq":
                action.setToolTip(
                    f"{family}; where Qt would move its dots, a copy of it whose anchors "
                    "Qt places right"
                )
            action.setChecked(key == chosen)
            action.triggered.connect(lambda _=False, k=key: self.choose(k))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[key] = action
        self.menu.setToolTipsVisible(True)

    def choose(self, key: str) -> None:
        """Read Urdu in face `key` of fonts.URDU_FACES ("" automatic), and remember it."""
        fonts.choose_reading_face(key)
        key = fonts.chosen_reading_face()
        self.settings.set(cfg.URDU_FONT, key)
        self.actions[key].setChecked(True)
        self.changed.emit()
