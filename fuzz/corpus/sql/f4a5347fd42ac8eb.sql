SELECT date_trunc('MONTH', ts), date_trunc('YEAR', ts), date_trunc('DAY', ts), date_trunc('HOUR', ts) FROM types
