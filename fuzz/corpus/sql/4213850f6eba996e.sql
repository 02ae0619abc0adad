SELECT Quantity % 5 AS r, count(*), avg(Price) FROM sales GROUP BY Quantity % 5
