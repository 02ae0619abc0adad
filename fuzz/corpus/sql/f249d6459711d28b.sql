SELECT date_format(ts, 'yyyy-MM-dd HH:mm'), date_format(dt, 'dd.MM.yyyy'), date_format(dt, 'yyyyMMdd') FROM types
