SELECT count(*) FROM nulls WHERE n = 1 OR n <> 1
