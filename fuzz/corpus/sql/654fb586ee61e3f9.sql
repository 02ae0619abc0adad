SELECT to_date('12/9/2019', 'yyyy-MM-dd'), to_date('2019-02-30'), to_date('not a date', 'M/d/yyyy'), to_date('12/9/2019', 'M/d/yyyy')
