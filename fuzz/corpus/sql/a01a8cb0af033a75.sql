SELECT count(*) FROM sales WHERE CustomerNo IS NOT NULL AND Country = 'Japan'
