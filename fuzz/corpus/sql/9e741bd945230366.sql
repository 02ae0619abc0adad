SELECT ProductName FROM sales WHERE ProductName LIKE 'Set Of _ %' AND Country = 'Norway'
