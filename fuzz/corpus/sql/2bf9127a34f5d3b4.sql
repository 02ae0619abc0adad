SELECT Country, count(*), sum(Quantity) FROM sales GROUP BY ALL
