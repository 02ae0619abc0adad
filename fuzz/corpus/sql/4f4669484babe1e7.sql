SELECT date_format(dt, 'EEE, d MMM yyyy'), date_format(ts, 'HH:mm:ss.SSS') FROM types WHERE id IN (1, 4)
