SELECT count(*) FROM sales WHERE to_date(Date, 'M/d/yyyy') BETWEEN DATE '2019-03-01' AND DATE '2019-03-31'
