SELECT count(*) FROM types WHERE b
