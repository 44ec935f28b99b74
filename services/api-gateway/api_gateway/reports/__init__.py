"""The reports: their catalogue (`GET /reports`) and sending one by email (`POST
/reports/{name}/email`)."""
