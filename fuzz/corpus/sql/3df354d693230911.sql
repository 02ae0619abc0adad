SELECT greatest(1, NULL, 3), least(NULL, 2), greatest('b', 'a'), least(DATE '2020-01-01', DATE '2019-01-01')
