SELECT date_add(dt, 1), date_add(dt, -365), date_add(DATE '2020-02-28', 1), date_add(DATE '2019-02-28', 1) FROM types
