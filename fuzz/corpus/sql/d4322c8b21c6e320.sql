SELECT ProductName, sum(Quantity) AS qty FROM nested GROUP BY ProductName ORDER BY qty DESC, ProductName LIMIT 5
