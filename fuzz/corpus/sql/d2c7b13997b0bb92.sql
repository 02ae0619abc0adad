SELECT to_date('12/9/2019', 'M/d/yyyy'), to_date('1/2/2020', 'M/d/yyyy'), to_date('2019-12-09'), to_date('31/12/2019', 'dd/MM/yyyy')
