SELECT sum(Quantity) / count(*) AS mean, avg(Quantity) FROM sales
