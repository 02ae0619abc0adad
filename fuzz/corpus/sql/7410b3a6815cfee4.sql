SELECT count(*) FROM types WHERE NOT b
