SELECT to_timestamp('2019-12-09 10:30:00'), to_timestamp('2019/12/09 10:30', 'yyyy/MM/dd HH:mm'), to_timestamp('9/12/2019 7:05:03', 'd/M/yyyy H:m:s')
