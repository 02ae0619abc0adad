SELECT Country, count(*), sum(Quantity), avg(Price), min(Price), max(Quantity) FROM sales GROUP BY Country
