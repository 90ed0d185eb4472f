"""Uploaded files stay in memory, and a file larger than any page accepts is not kept.

Django writes an upload to a temporary file once the request is larger than
``FILE_UPLOAD_MAX_MEMORY_SIZE``; the reply page takes several attachments in one request,
so a single 40 MB file there would be spooled to disk before the form refuses it. Here
every file is read into memory up to ``largest_file()``; past that its bytes are counted
but dropped, and the view gets an empty file of the real ``size`` that every form refuses
("too large"). The request size limit (``kia.middleware``) bounds what is read at all.
"""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


def largest_file() -> int:
    """The largest file any page accepts (an import, a figure, one reply attachment)."""
    return max(int(settings.KIA_MAX_UPLOAD_BYTES), int(settings.KIA_REPLY_MAX_FILE_BYTES))


class MemoryOnlyUploadHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file = BytesIO()
        self.dropped = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.dropped or start + len(raw_data) > largest_file():
            self.dropped = True  # too large: count on, keep nothing
            self.file = BytesIO()
            return None
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.file.seek(0)
        upload = InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
        upload.dropped = self.dropped  # type: ignore[attr-defined]
        return upload
