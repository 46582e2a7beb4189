"""File ▸ Import Files… and Import Folder…: the files to import, and whether symbolic
links that lead out of the folder are followed.

A folder unpacked from an untrusted source can hold a link to the researcher's own
files (`notes.txt -> ~/.ssh/id_ed25519`); followed, it would pull them into the archive
and from there into a shared bundle. So links out of the folder are not followed
unless the box is ticked, for this import only (the command line's `--follow-links`),
and each link left out is named in the import's report.

Qt's own file dialog, not the platform's: a native dialog takes no widget of ours.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFileDialog, QGridLayout, QWidget

FOLLOW_LINKS = "Follow links that lead out of the folder"
FOLLOW_LINKS_TIP = (
    "A link inside the folder that points elsewhere on this computer is imported only if "
    "this is ticked. Leave it off for folders from other people: such a link can bring "
    "your own files into the archive and into the bundles you share. Each link left out "
    "is listed in the import's report."
)


class ImportChooser(QFileDialog):
    """Choose files (or one folder) to import; `follow_links` is the one choice beside."""

    def __init__(self, parent: QWidget | None, folder: bool, start: Path | None = None) -> None:
        super().__init__(
            parent,
            "Import a folder" if folder else "Import files",
            str(start or Path.home()),
        )
        self.setOption(QFileDialog.Option.DontUseNativeDialog)
        if folder:
            self.setFileMode(QFileDialog.FileMode.Directory)
            self.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            self.setFileMode(QFileDialog.FileMode.ExistingFiles)
        self.setLabelText(QFileDialog.DialogLabel.Accept, "Import")
        self.follow_links = QCheckBox(FOLLOW_LINKS, self)
        self.follow_links.setToolTip(FOLLOW_LINKS_TIP)
        self.follow_links.setAccessibleDescription(FOLLOW_LINKS_TIP)
        layout = self.layout()
        if isinstance(layout, QGridLayout):  # Qt's dialog: a row of its own at the bottom
            layout.addWidget(self.follow_links, layout.rowCount(), 0, 1, layout.columnCount())

    def chosen(self) -> list[Path]:
        return [Path(f) for f in self.selectedFiles()]
