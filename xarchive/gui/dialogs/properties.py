"""File ▸ Archive Properties…: the archive's name, your name, and what its bundles say."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core import properties
from ...core.archive import Archive


class PropertiesDialog(QDialog):
    """Edits `core.properties` of one archive; `values()` is what the user typed."""

    def __init__(self, archive: Archive, writable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Archive Properties")
        self.setMinimumWidth(520)
        stored = properties.read(archive)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        for prop in properties.PROPERTIES:
            field: QLineEdit | QPlainTextEdit
            if prop.multiline:
                field = QPlainTextEdit(stored[prop.key], self)
                field.setFixedHeight(field.fontMetrics().lineSpacing() * 4 + 12)
            else:
                field = QLineEdit(stored[prop.key], self)
            field.setToolTip(prop.help)
            field.setReadOnly(not writable)
            self.fields[prop.key] = field
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(field)
            help_label = QLabel(prop.help, self)
            help_label.setObjectName("muted")
            help_label.setWordWrap(True)
            box.addWidget(help_label)
            box.addStretch(1)  # any room left goes below the help, not between
            form.addRow(prop.label + ":", box)
        user = self.fields["user_name"]
        if isinstance(user, QLineEdit):
            user.setPlaceholderText(archive.user_name)
        self.error = QLabel("", self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{archive.root}</b>", self))
        layout.addLayout(form)
        if not writable:
            note = QLabel("Another xarchive process is changing this archive: read only.", self)
            note.setObjectName("muted")
            layout.addWidget(note)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            if writable
            else QDialogButtonBox.StandardButton.Close,
            parent=self,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def values(self) -> dict[str, str]:
        return {
            key: field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
            for key, field in self.fields.items()
        }

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
