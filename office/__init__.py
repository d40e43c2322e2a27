"""Reference office server: appointments, queue, tickets, reports."""
