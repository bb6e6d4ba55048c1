"""What people see: terminal tables and progress, figures, the HTML report, labels in English
and Chinese."""
