"""What the app uses from outside itself: file storage (local or S3), reading office spreadsheets,
writing workbooks, rendering and checking PDFs, and cleaning photos."""
