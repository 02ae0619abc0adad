SELECT count(*), count(Quantity), sum(Quantity), avg(Quantity), min(Quantity), max(Quantity) FROM sales
