SELECT date_trunc('MONTH', dt), date_trunc('WEEK', dt) FROM types
